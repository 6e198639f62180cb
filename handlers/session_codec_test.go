package handlers

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/gorilla/securecookie"
)

// The session cookie round-trips through the JSON serializer, and a cookie
// written before it (gob) is still read: shoppers keep their carts across
// the upgrade.
func TestSessionSerializerRoundTripAndGobCookies(t *testing.T) {
	keys := [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}
	want := map[interface{}]interface{}{"sid": "abc", "cid": int64(7), "cart": "c1", "orders": []int64{3, 4}, "flash": "Hi"}

	ours := securecookie.CodecsFromPairs(keys...)
	useSessionSerializer(ours)
	enc, err := securecookie.EncodeMulti(sessionName, want, ours...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSessionCookie(enc, keys...)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("round trip: %v, %v; want %v", got, err, want)
	}

	gob := securecookie.CodecsFromPairs(keys...) // gorilla's default serializer
	old, err := securecookie.EncodeMulti(sessionName, want, gob...)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeSessionCookie(old, keys...); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("gob cookie: %v, %v; want %v", got, err, want)
	}
}
