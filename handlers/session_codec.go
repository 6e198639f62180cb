package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gorilla/securecookie"
)

// sessionSerializer writes the session cookie's few values as a small JSON
// object instead of gorilla's default gob. Gob builds a decoder for the
// type on every cookie it reads, which was a fifth of the CPU of a catalog
// page; the cookie's signing and encryption (securecookie) are unchanged.
// Cookies written by the gob version are still read, so shoppers keep their
// carts across the upgrade.
type sessionSerializer struct{}

// wireSession is the cookie's payload. Short names keep the cookie small.
type wireSession struct {
	SID        string  `json:"s,omitempty"`
	CustomerID int64   `json:"c,omitempty"`
	CartID     string  `json:"k,omitempty"`
	Orders     []int64 `json:"o,omitempty"`
	Flash      string  `json:"f,omitempty"`
}

func (sessionSerializer) Serialize(src interface{}) ([]byte, error) {
	m, ok := src.(map[interface{}]interface{})
	if !ok {
		return nil, fmt.Errorf("handlers: session values are %T", src)
	}
	var w wireSession
	w.SID, _ = m["sid"].(string)
	w.CustomerID, _ = m["cid"].(int64)
	w.CartID, _ = m["cart"].(string)
	w.Orders, _ = m["orders"].([]int64)
	w.Flash, _ = m["flash"].(string)
	return json.Marshal(w)
}

func (sessionSerializer) Deserialize(src []byte, dst interface{}) error {
	p, ok := dst.(*map[interface{}]interface{})
	if !ok {
		return fmt.Errorf("handlers: session values into %T", dst)
	}
	if !bytes.HasPrefix(src, []byte("{")) {
		return securecookie.GobEncoder{}.Deserialize(src, dst) // a cookie from before
	}
	var w wireSession
	if err := json.Unmarshal(src, &w); err != nil {
		return err
	}
	if *p == nil {
		*p = map[interface{}]interface{}{}
	}
	m := *p
	m["sid"], m["cid"], m["cart"], m["flash"] = w.SID, w.CustomerID, w.CartID, w.Flash
	if w.Orders != nil {
		m["orders"] = w.Orders
	}
	return nil
}

// useSessionSerializer puts sessionSerializer on every codec of a store.
func useSessionSerializer(codecs []securecookie.Codec) {
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionSerializer{})
		}
	}
}

// DecodeSessionCookie reads a session cookie's value with the app's keys,
// as the app itself does: the test suite's card-data scan looks inside.
func DecodeSessionCookie(value string, keyPairs ...[]byte) (map[interface{}]interface{}, error) {
	codecs := securecookie.CodecsFromPairs(keyPairs...)
	useSessionSerializer(codecs)
	values := map[interface{}]interface{}{}
	if err := securecookie.DecodeMulti(sessionName, value, &values, codecs...); err != nil {
		return nil, err
	}
	return values, nil
}
