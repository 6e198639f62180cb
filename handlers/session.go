package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

const sessionName = "dc_session"

// maxGuestOrders is how many recent orders a session remembers, so a guest
// can reopen its receipts without the link.
const maxGuestOrders = 10

// Session is what the shopper's cookie holds: ids only.
type Session struct {
	SID        string // random, renewed at login and logout
	CustomerID int64
	CartID     string
	Orders     []int64 // orders placed in this session
	Flash      string
}

// Sessions reads and writes the signed, encrypted session cookie.
type Sessions struct {
	store *sessions.CookieStore
	read  readCookies
}

// NewSessions builds the cookie store. keyPairs are hash and block keys, in
// pairs, newest first (older pairs still decode cookies during a rotation).
// gorilla's defaults (Secure, SameSite=None) would lose the session over plain
// HTTP, so the options are set here: HttpOnly, SameSite=Lax, Secure behind TLS.
func NewSessions(secure bool, keyPairs ...[]byte) *Sessions {
	cs := sessions.NewCookieStore(keyPairs...)
	cs.Options = &sessions.Options{Path: "/", MaxAge: 7 * 24 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	cs.MaxAge(cs.Options.MaxAge)
	useSessionSerializer(cs.Codecs)
	return &Sessions{store: cs}
}

// Get returns the request's session; a missing or bad cookie gives a fresh
// one, never an error.
func (s *Sessions) Get(c echo.Context) *Session {
	if v, ok := c.Get("session").(*Session); ok {
		return v
	}
	out := &Session{}
	ck, err := c.Request().Cookie(sessionName)
	if err == nil {
		if v, ok := s.read.get(ck.Value); ok {
			*out = v
		} else if raw, err := s.store.Get(c.Request(), sessionName); err == nil {
			out.SID, _ = raw.Values["sid"].(string)
			out.CustomerID, _ = raw.Values["cid"].(int64)
			out.CartID, _ = raw.Values["cart"].(string)
			out.Orders, _ = raw.Values["orders"].([]int64)
			out.Flash, _ = raw.Values["flash"].(string)
			if out.SID != "" {
				s.read.put(ck.Value, *out)
			}
		}
	}
	if out.SID == "" {
		out.SID = randomID()
	}
	c.Set("session", out)
	return out
}

// Save writes the session cookie.
func (s *Sessions) Save(c echo.Context, v *Session) error {
	// A new session, not store.New: that decodes the request's cookie,
	// every value of which is written over here.
	raw := sessions.NewSession(s.store, sessionName)
	opts := *s.store.Options
	raw.Options, raw.IsNew = &opts, true
	raw.Values["sid"] = v.SID
	raw.Values["cid"] = v.CustomerID
	raw.Values["cart"] = v.CartID
	raw.Values["orders"] = v.Orders
	raw.Values["flash"] = v.Flash
	c.Set("session", v)
	return s.store.Save(c.Request(), c.Response(), raw)
}

// Renew gives the session a new id, dropping everything but the cart:
// called at login and logout against session fixation.
func (s *Sessions) Renew(c echo.Context, customerID int64) *Session {
	old := s.Get(c)
	v := &Session{SID: randomID(), CustomerID: customerID, CartID: old.CartID}
	c.Set("session", v)
	return v
}

// RememberOrder lets this session open the order's receipt.
func (v *Session) RememberOrder(id int64) {
	if slices.Contains(v.Orders, id) {
		return
	}
	v.Orders = append(v.Orders, id)
	if len(v.Orders) > maxGuestOrders {
		v.Orders = v.Orders[len(v.Orders)-maxGuestOrders:]
	}
}

func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("handlers: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}
