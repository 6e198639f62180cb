package app

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
)

// Sandbox credentials used when no DOKU_BASE_URL is set: the embedded
// sandbox accepts exactly these.
const (
	SandboxClientID  = "MCH-0001-SANDBOX0000001"
	SandboxSecretKey = "SK-sandbox-local-not-a-secret"
)

// Config is the app's configuration, read from the environment.
type Config struct {
	Addr   string // ADDR
	DBPath string // DB_PATH
	// DatabaseURL (DATABASE_URL=postgres://…) selects PostgreSQL, where
	// several instances share one database; empty: SQLite at DB_PATH.
	DatabaseURL    string
	PublicURL      string        // PUBLIC_URL
	DokuBaseURL    string        // DOKU_BASE_URL; empty = embedded sandbox
	SandboxAddr    string        // SANDBOX_ADDR
	ClientID       string        // DOKU_CLIENT_ID
	SecretKey      string        // DOKU_SECRET_KEY
	DokuTimeout    time.Duration // DOKU_TIMEOUT
	ChargeWait     time.Duration // CHARGE_WAIT: how long the 3DS return waits for the charge before "confirming"
	SessionKeys    string        // SESSION_KEYS: hex keys, comma separated; empty = generated and kept in the DB
	Modes          []string      // PAYMENT_MODE: direct, hosted, or both ("direct,hosted")
	PaymentType    string        // PAYMENT_TYPE: SALE (default) or AUTHORIZE (capture later)
	ReconcileAfter time.Duration // RECONCILE_AFTER
	LoginPerMin    float64       // LOGIN_RATE (per minute per address)
	CheckoutPerMin float64       // CHECKOUT_RATE
	LogLevel       string        // LOG_LEVEL: debug, info, warn, error
	// FormActionExtra lists more origins the checkout form may lead to
	// (CSP_FORM_ACTION), e.g. an issuer's 3DS host.
	FormActionExtra string
	// SandboxOnPublicURL (SANDBOX_ON_PUBLIC_URL=yes) is the explicit choice
	// to serve a shop reachable from elsewhere on the embedded sandbox, a
	// demo: without it such a configuration refuses to start.
	SandboxOnPublicURL bool
	// DemoCatalog (DEMO_CATALOG=yes|no) fills a new database's empty
	// catalog with the demo products. Default: yes on the embedded
	// sandbox only; a shop pointed at DOKU starts empty.
	DemoCatalog bool

	// SMTPURL is where e-mails go (SMTP_URL); empty: they stay in the
	// outbox (with the embedded sandbox, readable at /_sandbox/mail).
	SMTPURL string
	// MailFrom is the e-mails' sender (MAIL_FROM); empty: the store's e-mail.
	MailFrom string
	// MailRetryAfter is the wait after a failed delivery (MAIL_RETRY_AFTER),
	// doubling up to an hour.
	MailRetryAfter time.Duration
	// Merchant is the store's contact details (STORE_NAME, STORE_EMAIL,
	// STORE_PHONE, STORE_ADDRESS), shown on receipts and in e-mails.
	Merchant merchant.Static

	// Embedded sandbox knobs (tests and demos).
	SandboxSlowDelay    time.Duration // SANDBOX_SLOW_DELAY
	SandboxPendingDelay time.Duration // SANDBOX_PENDING_DELAY
	SandboxRetryScale   float64       // SANDBOX_NOTIFY_RETRY_SCALE
}

// LoadConfig reads the environment through getenv, applying defaults.
func LoadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	str := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	dur := func(key string, def time.Duration) time.Duration {
		v := getenv(key)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a duration like 15s, got %q", key, v))
		}
		return d
	}
	num := func(key string, def float64) float64 {
		v := getenv(key)
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			errs = append(errs, fmt.Errorf("%s: want a number, got %q", key, v))
		}
		return f
	}
	c := Config{
		Addr:                str("ADDR", "127.0.0.1:8080"),
		DBPath:              str("DB_PATH", "doku-checkout.db"),
		DatabaseURL:         str("DATABASE_URL", ""),
		DokuBaseURL:         strings.TrimRight(str("DOKU_BASE_URL", ""), "/"),
		SandboxAddr:         str("SANDBOX_ADDR", "127.0.0.1:8081"),
		ClientID:            str("DOKU_CLIENT_ID", ""),
		SecretKey:           str("DOKU_SECRET_KEY", ""),
		DokuTimeout:         dur("DOKU_TIMEOUT", 15*time.Second),
		ChargeWait:          dur("CHARGE_WAIT", 4*time.Second),
		SessionKeys:         str("SESSION_KEYS", ""),
		ReconcileAfter:      dur("RECONCILE_AFTER", 60*time.Second),
		LoginPerMin:         num("LOGIN_RATE", 10),
		CheckoutPerMin:      num("CHECKOUT_RATE", 20),
		LogLevel:            str("LOG_LEVEL", "info"),
		PaymentType:         strings.ToUpper(str("PAYMENT_TYPE", payment.TypeSale)),
		FormActionExtra:     str("CSP_FORM_ACTION", ""),
		SandboxSlowDelay:    dur("SANDBOX_SLOW_DELAY", 30*time.Second),
		SandboxPendingDelay: dur("SANDBOX_PENDING_DELAY", 3*time.Second),
		SandboxRetryScale:   num("SANDBOX_NOTIFY_RETRY_SCALE", 0.01),
		SMTPURL:             str("SMTP_URL", ""),
		MailFrom:            str("MAIL_FROM", ""),
		MailRetryAfter:      dur("MAIL_RETRY_AFTER", 30*time.Second),
		Merchant:            merchant.FromEnv(getenv),
	}
	c.PublicURL = strings.TrimRight(str("PUBLIC_URL", "http://"+c.Addr), "/")
	switch v := strings.ToLower(str("SANDBOX_ON_PUBLIC_URL", "no")); v {
	case "yes", "true", "1":
		c.SandboxOnPublicURL = true
	case "no", "false", "0":
	default:
		errs = append(errs, fmt.Errorf("SANDBOX_ON_PUBLIC_URL: want yes or no, got %q", v))
	}
	switch v := strings.ToLower(str("DEMO_CATALOG", "")); v {
	case "":
		c.DemoCatalog = c.DokuBaseURL == ""
	case "yes", "true", "1":
		c.DemoCatalog = true
	case "no", "false", "0":
	default:
		errs = append(errs, fmt.Errorf("DEMO_CATALOG: want yes or no, got %q", v))
	}
	mode := strings.ToLower(str("PAYMENT_MODE", "direct,hosted"))
	if mode == "both" {
		mode = "direct,hosted"
	}
	for _, m := range strings.Split(mode, ",") {
		c.Modes = append(c.Modes, strings.TrimSpace(m))
	}
	if c.DokuBaseURL == "" {
		c.ClientID = str("DOKU_CLIENT_ID", SandboxClientID)
		c.SecretKey = str("DOKU_SECRET_KEY", SandboxSecretKey)
	}
	errs = append(errs, c.Validate())
	return c, errors.Join(errs...)
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if c.DokuBaseURL != "" {
		if u, err := url.Parse(c.DokuBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("DOKU_BASE_URL: want a URL like https://api-sandbox.doku.com, got %q", c.DokuBaseURL))
		}
		if c.ClientID == "" || c.SecretKey == "" {
			errs = append(errs, errors.New("DOKU_BASE_URL is set: DOKU_CLIENT_ID and DOKU_SECRET_KEY are required"))
		}
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("PUBLIC_URL: want a URL like https://shop.example.com, got %q", c.PublicURL))
	} else if c.DokuBaseURL == "" && !c.SandboxOnPublicURL && (u.Scheme == "https" || !loopbackHost(u.Hostname())) {
		// Fail closed: a shop others can reach, silently taking "payments"
		// on the embedded sandbox (whose key is public), is the one mistake
		// this configuration must not let through.
		errs = append(errs, fmt.Errorf("PUBLIC_URL %s is reachable beyond this machine but DOKU_BASE_URL is unset, so payments would go to the embedded test sandbox: "+
			"set DOKU_BASE_URL, DOKU_CLIENT_ID and DOKU_SECRET_KEY for real payments, or SANDBOX_ON_PUBLIC_URL=yes to run a public demo on the sandbox", c.PublicURL))
	}
	if c.DatabaseURL != "" && !store.IsPostgres(c.DatabaseURL) {
		errs = append(errs, errors.New("DATABASE_URL: want a PostgreSQL URL like postgres://user:password@host:5432/shop (unset for SQLite at DB_PATH)"))
	}
	errs = append(errs, c.validateMail())
	if len(c.Modes) == 0 || len(c.Modes) > 2 {
		errs = append(errs, errors.New("PAYMENT_MODE: want direct, hosted or direct,hosted"))
	}
	for _, m := range c.Modes {
		if m != payment.ModeDirect && m != payment.ModeHosted {
			errs = append(errs, fmt.Errorf("PAYMENT_MODE: unknown mode %q (want direct, hosted or both)", m))
		}
	}
	if c.PaymentType != "" && !payment.SupportedType(c.PaymentType) {
		errs = append(errs, fmt.Errorf("PAYMENT_TYPE: want SALE or AUTHORIZE, got %q", c.PaymentType))
	}
	return errors.Join(errs...)
}

// loopbackHost reports whether host names this machine only.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NotificationTarget is the Request-Target DOKU signs a notification with:
// the path of the notification URL the merchant registered, that is
// PUBLIC_URL's own path (a reverse proxy's prefix) followed by our route.
func (c Config) NotificationTarget() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return route.Notification
	}
	return strings.TrimRight(u.EscapedPath(), "/") + route.Notification
}

// Database is what store.Open opens: DATABASE_URL, or the SQLite file.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DBPath
}

// Secure reports whether the app is served over TLS (cookies get Secure).
func (c Config) Secure() bool { return strings.HasPrefix(c.PublicURL, "https://") }
