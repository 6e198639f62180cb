package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTP is where mails are handed over: SMTP_URL, e.g.
// smtp://user:pass@mail.example.com:587 (STARTTLS when the server offers
// it) or smtps://user:pass@mail.example.com:465 (TLS from the start).
//
// The client is the standard library's net/smtp: it does STARTTLS on
// demand and its PLAIN auth refuses to send a password over a connection
// that is neither TLS nor to this machine, which is the rule we want.
type SMTP struct {
	Addr        string // host:port
	Host        string // for TLS verification and auth
	ImplicitTLS bool   // smtps://
	Username    string
	Password    string
	// HeloName is the name this client gives in EHLO (our public host).
	HeloName string
	// TLS, when set, replaces the default TLS settings (tests trust their
	// own certificate with it).
	TLS *tls.Config
	// Timeout bounds one whole delivery, connection to QUIT.
	Timeout time.Duration
}

// ParseSMTPURL reads an SMTP_URL.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("SMTP_URL: want smtp://user:pass@host:587 or smtps://user:pass@host:465, got %q", redactURL(raw))
	}
	s := &SMTP{Host: u.Hostname(), ImplicitTLS: u.Scheme == "smtps", Timeout: 30 * time.Second}
	port := u.Port()
	if port == "" {
		port = "587"
		if s.ImplicitTLS {
			port = "465"
		}
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// redactURL is raw without its password, for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

// String is the server's URL without the password.
func (s *SMTP) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + s.Addr
}

// permanentError: the server refused this mail for good (a 5xx answer to
// the sender, a recipient or the message): sending it again cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Send delivers one message from the envelope sender from to to.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", s, err)
	}
	// The protocol calls below take no context: a deadline and a close at
	// cancellation keep them from outliving it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if s.ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("mail: TLS with %s: %w", s, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting from %s: %w", s, err)
	}
	defer c.Close()
	if s.HeloName != "" {
		if err := c.Hello(s.HeloName); err != nil {
			return fmt.Errorf("mail: EHLO to %s: %w", s, err)
		}
	}
	if !s.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", s, err)
			}
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("mail: log in to %s: %w", s, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return classify("MAIL FROM", err)
	}
	if err := c.Rcpt(to); err != nil {
		return classify("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mail: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return classify("end of DATA", err)
	}
	// The server has the mail: a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

func (s *SMTP) timeout() time.Duration {
	if s.Timeout <= 0 {
		return 30 * time.Second
	}
	return s.Timeout
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		c := s.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// classify marks a 5xx answer to the mail itself as permanent.
func classify(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &permanentError{fmt.Errorf("mail: %s refused: %w", step, err)}
	}
	return fmt.Errorf("mail: %s: %w", step, err)
}

// errText is what the outbox records of a failed attempt: one short line.
func errText(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
