package payment

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// validInput is a checkout that passes every check.
func validInput() CheckoutInput {
	return CheckoutInput{
		Contact: Contact{Name: "Siti Rahma", Email: "siti@example.com", Phone: "6281234567890", Address: "Jl. Merdeka No. 10, Bandung", Country: "ID"},
		Mode:    ModeDirect,
		Card:    NewCard{Number: "4111111111111111", Expiry: "1230", CVV: "737"},
	}
}

// Every limit of the Charge seed (004), at and past its edge.
func TestValidateLimits(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	countries := map[string]bool{"ID": true, "SG": true}
	modes := map[string]bool{ModeDirect: true, ModeHosted: true}
	rep := strings.Repeat
	amex := func(in *CheckoutInput) { in.Card.Number = "378282246310005" }
	for _, tc := range []struct {
		name string
		edit func(in *CheckoutInput)
		want []string // fields in error
	}{
		{"valid", func(in *CheckoutInput) {}, nil},
		{"name 255", func(in *CheckoutInput) { in.Name = rep("a", 255) }, nil},
		{"name 255 runes", func(in *CheckoutInput) { in.Name = rep("é", 255) }, nil},
		{"name 256", func(in *CheckoutInput) { in.Name = rep("a", 256) }, []string{"name"}},
		{"name empty", func(in *CheckoutInput) { in.Name = "" }, []string{"name"}},
		{"name punctuation", func(in *CheckoutInput) { in.Name = "Anne-Marie O'Neil Jr." }, nil},
		{"name digits", func(in *CheckoutInput) { in.Name = "R2D2" }, []string{"name"}},
		{"name markup", func(in *CheckoutInput) { in.Name = "<b>Siti</b>" }, []string{"name"}},
		{"email 128", func(in *CheckoutInput) { in.Email = rep("a", 116) + "@example.com" }, nil},
		{"email 129", func(in *CheckoutInput) { in.Email = rep("a", 117) + "@example.com" }, []string{"email"}},
		{"email empty", func(in *CheckoutInput) { in.Email = "" }, []string{"email"}},
		{"email no dot", func(in *CheckoutInput) { in.Email = "siti@localhost" }, []string{"email"}},
		{"email with a name", func(in *CheckoutInput) { in.Email = "Siti <siti@example.com>" }, []string{"email"}},
		{"phone 8", func(in *CheckoutInput) { in.Phone = "62812345" }, nil},
		{"phone 7", func(in *CheckoutInput) { in.Phone = "6281234" }, []string{"phone"}},
		{"phone 16", func(in *CheckoutInput) { in.Phone = "6281234567890123" }, nil},
		{"phone 17", func(in *CheckoutInput) { in.Phone = "62812345678901234" }, []string{"phone"}},
		{"phone letters", func(in *CheckoutInput) { in.Phone = "62812345678a" }, []string{"phone"}},
		{"phone empty", func(in *CheckoutInput) { in.Phone = "" }, []string{"phone"}},
		{"address 400", func(in *CheckoutInput) { in.Address = rep("a", 400) }, nil},
		{"address 400 runes", func(in *CheckoutInput) { in.Address = rep("ü", 400) }, nil},
		{"address 401", func(in *CheckoutInput) { in.Address = rep("a", 401) }, []string{"address"}},
		{"address two lines", func(in *CheckoutInput) { in.Address = "Jl. Merdeka 10\r\nBandung" }, nil},
		{"address control", func(in *CheckoutInput) { in.Address = "Jl. Merdeka\x00 10" }, []string{"address"}},
		{"address empty", func(in *CheckoutInput) { in.Address = "" }, []string{"address"}},
		{"country other", func(in *CheckoutInput) { in.Country = "SG" }, nil},
		{"country unknown", func(in *CheckoutInput) { in.Country = "XX" }, []string{"country"}},
		{"country three letters", func(in *CheckoutInput) { in.Country = "IDN" }, []string{"country"}},
		{"country empty", func(in *CheckoutInput) { in.Country = "" }, []string{"country"}},
		{"mode unknown", func(in *CheckoutInput) { in.Mode = "moto"; in.Card = NewCard{} }, []string{"mode"}},
		{"card 13", func(in *CheckoutInput) { in.Card.Number = rep("0", 13) }, nil},
		{"card 12", func(in *CheckoutInput) { in.Card.Number = rep("0", 12) }, []string{"card_number"}},
		{"card 19", func(in *CheckoutInput) { in.Card.Number = rep("0", 19) }, nil},
		{"card 20", func(in *CheckoutInput) { in.Card.Number = rep("0", 20) }, []string{"card_number"}},
		{"card Luhn", func(in *CheckoutInput) { in.Card.Number = "4111111111111112" }, []string{"card_number"}},
		{"card spaces not normalized", func(in *CheckoutInput) { in.Card.Number = "4111 1111 1111 1111" }, []string{"card_number"}},
		{"card empty", func(in *CheckoutInput) { in.Card.Number = "" }, []string{"card_number"}},
		{"expiry this month", func(in *CheckoutInput) { in.Card.Expiry = "0626" }, nil},
		{"expiry last month", func(in *CheckoutInput) { in.Card.Expiry = "0526" }, []string{"card_expiry"}},
		{"expiry month 13", func(in *CheckoutInput) { in.Card.Expiry = "1326" }, []string{"card_expiry"}},
		{"expiry MM/YY not normalized", func(in *CheckoutInput) { in.Card.Expiry = "12/30" }, []string{"card_expiry"}},
		{"expiry empty", func(in *CheckoutInput) { in.Card.Expiry = "" }, []string{"card_expiry"}},
		{"cvv 2", func(in *CheckoutInput) { in.Card.CVV = "73" }, []string{"card_cvv"}},
		{"cvv 4 on VISA", func(in *CheckoutInput) { in.Card.CVV = "7373" }, []string{"card_cvv"}},
		{"cvv letters", func(in *CheckoutInput) { in.Card.CVV = "7a7" }, []string{"card_cvv"}},
		{"cvv empty", func(in *CheckoutInput) { in.Card.CVV = "" }, []string{"card_cvv"}},
		{"AMEX cvv 4", func(in *CheckoutInput) { amex(in); in.Card.CVV = "7373" }, nil},
		{"AMEX cvv 3", func(in *CheckoutInput) { amex(in); in.Card.CVV = "737" }, []string{"card_cvv"}},
		{"hosted needs no card", func(in *CheckoutInput) { in.Mode = ModeHosted; in.Card = NewCard{} }, nil},
		{"saved card needs no card", func(in *CheckoutInput) { in.SavedCardID = 7; in.Card = NewCard{} }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validInput()
			tc.edit(&in)
			errs := in.Validate(now, countries, modes)
			got := slices.Sorted(maps.Keys(errs))
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields in error = %v, want %v (%v)", got, tc.want, errs)
			}
			for f, msg := range errs {
				if msg == "" {
					t.Errorf("%s: empty message", f)
				}
				if in.Card.Number != "" && strings.Contains(msg, in.Card.Number) {
					t.Errorf("%s: the message repeats the card number: %q", f, msg)
				}
			}
		})
	}
}

// Normalize turns what shoppers type into what Validate accepts.
func TestNormalizeThenValidate(t *testing.T) {
	in := CheckoutInput{
		Contact: Contact{Name: "  Siti Rahma ", Email: " siti@example.com ", Phone: "0812-3456-7890", Address: " Jl. Merdeka 10 ", Country: " id "},
		Mode:    ModeDirect,
		Card:    NewCard{Number: "4111 1111-1111 1111", Expiry: "12 / 30", CVV: " 737 "},
	}
	in.Normalize()
	if errs := in.Validate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), map[string]bool{"ID": true}, map[string]bool{ModeDirect: true}); len(errs) != 0 {
		t.Fatalf("normalized input refused: %v (%+v)", errs, in)
	}
	if in.Phone != "6281234567890" || in.Country != "ID" || in.Card.Number != "4111111111111111" || in.Card.Expiry != "1230" || in.Card.CVV != "737" {
		t.Errorf("normalized = %+v", in)
	}
}
