package signature

import "testing"

// The two vectors published in docs/doku-api.md §2.
func TestSignatureVectors(t *testing.T) {
	const key = "SK-hCJ42G28TA0MKG9LE2E5"
	body := []byte(`{"order":{"invoice_number":"INV-20210118-0001","amount":90000}}`)
	if got, want := Digest(body), "VfWTNyG/koB+n0Mf3S7KCvjcR9gKdLLhNIGEInx2/Ec="; got != want {
		t.Fatalf("Digest = %q, want %q", got, want)
	}
	post := Components{
		ClientID:  "MCH-0001-10791114622547",
		RequestID: "b154c582-4501-436a-8012-0346f2a46b47",
		Timestamp: "2021-08-24T08:46:42Z",
		Target:    "/credit-card/charge",
		Digest:    Digest(body),
	}
	if got, want := Sign(key, post), "HMACSHA256=8A5La6tprN2iYWpbKP4CIMKREVAvl5wlt5yM3ZJ0nMA="; got != want {
		t.Errorf("POST signature = %q, want %q", got, want)
	}
	get := Components{
		ClientID:  "MCH-0001-10791114622547",
		RequestID: "d895fb53-479c-4f77-a76a-ab81b40d77cb",
		Timestamp: "2020-08-11T08:45:42Z",
		Target:    "/orders/v1/status/INV-123123-12313",
	}
	if got, want := Sign(key, get), "HMACSHA256=iWVUk19ygyQsWkuKzWnJFhu7gqPMlKfMtWd0HJc+NfQ="; got != want {
		t.Errorf("GET signature = %q, want %q", got, want)
	}
	wantLines := "Client-Id:MCH-0001-10791114622547\nRequest-Id:d895fb53-479c-4f77-a76a-ab81b40d77cb\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/orders/v1/status/INV-123123-12313"
	if got := StringToSign(get); got != wantLines {
		t.Errorf("StringToSign(GET) = %q, want %q", got, wantLines)
	}
	if !Verify(key, post, Sign(key, post)) {
		t.Error("Verify rejected a good signature")
	}
	for name, mutate := range map[string]func(*Components){
		"client":    func(c *Components) { c.ClientID += "x" },
		"request":   func(c *Components) { c.RequestID += "x" },
		"timestamp": func(c *Components) { c.Timestamp = "2021-08-24T08:46:43Z" },
		"target":    func(c *Components) { c.Target = "/credit-card/capture" },
		"digest":    func(c *Components) { c.Digest = Digest([]byte("{}")) },
		"tsname":    func(c *Components) { c.TimestampName = HeaderResponseTimestamp },
	} {
		c := post
		mutate(&c)
		if Verify(key, c, Sign(key, post)) {
			t.Errorf("Verify accepted a signature after changing %s", name)
		}
	}
	if Verify("other-key", post, Sign(key, post)) {
		t.Error("Verify accepted a signature made with another key")
	}
	if Verify(key, post, "8A5La6tprN2iYWpbKP4CIMKREVAvl5wlt5yM3ZJ0nMA=") {
		t.Error("Verify accepted a signature without the HMACSHA256= prefix")
	}
}
