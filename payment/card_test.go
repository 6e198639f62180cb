package payment

import (
	"testing"
	"time"
)

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		number string
		want   bool
	}{
		{"4111111111111111", true},
		{"5573381011111101", true},
		{"378282246310005", true},
		{"3530111333300000", true},
		{"4000000000000259", true},
		{"4111111111111112", false},
		{"4111111111111121", false}, // two digits swapped
		{"0000000000000", true},
		{"", false},
		{"4111 1111 1111 1111", false}, // not normalized: not digits
		{"411111111111111a", false},
	} {
		if got := Luhn(tc.number); got != tc.want {
			t.Errorf("Luhn(%q) = %v, want %v", tc.number, got, tc.want)
		}
	}
}

func TestBrand(t *testing.T) {
	for _, tc := range []struct{ number, want string }{
		{"4111111111111111", BrandVisa},
		{"5573381011111101", BrandMaster},
		{"51", BrandMaster}, {"55", BrandMaster}, {"50", ""}, {"56", ""},
		{"2221", BrandMaster}, {"2720", BrandMaster}, {"2220", ""}, {"2721", ""}, {"222", ""},
		{"378282246310005", BrandAmex}, {"34", BrandAmex}, {"36", ""},
		{"3530111333300000", BrandJCB},
		{"6011", ""}, {"", ""},
	} {
		if got := Brand(tc.number); got != tc.want {
			t.Errorf("Brand(%q) = %q, want %q", tc.number, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ number, want string }{
		{"4111111111111111", "411111******1111"},
		{"378282246310005", "378282*****0005"},
		{"0000000000000", "000000***0000"},
		{"1234567890", "**********"}, // too short to show anything
		{"", ""},
	} {
		got := Mask(tc.number)
		if got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.number, got, tc.want)
		}
		if len(tc.number) >= 11 && got == tc.number {
			t.Errorf("Mask(%q) shows the whole number", tc.number)
		}
	}
}

func TestNormalizeCardAndExpiry(t *testing.T) {
	if got := NormalizeCardNumber(" 4111-1111 1111-1111 "); got != "4111111111111111" {
		t.Errorf("NormalizeCardNumber = %q", got)
	}
	for in, want := range map[string]string{"12/30": "1230", " 12 / 30 ": "1230", "1230": "1230", "1/3": "13",
		// Issue 13: what shoppers type from the card or a phone keyboard.
		"12/2030": "1230", "12 / 2030": "1230", "1/30": "0130", "12-30": "1230", "122030": "1230", "12/20301": "1220301"} {
		if got := NormalizeExpiry(in); got != want {
			t.Errorf("NormalizeExpiry(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"0812-3456-7890": "6281234567890", "+62 812 345": "62812345", "(021) 555.1234": "62215551234", "6281234567890": "6281234567890",
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpiryValid(t *testing.T) {
	june := time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC)
	july := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		mmyy string
		now  time.Time
		want bool
	}{
		{"0626", june, true}, // good through the last day of its month
		{"0626", july, false},
		{"0526", june, false},
		{"1230", june, true},
		{"0199", june, true},
		{"0000", june, false}, {"1330", june, false}, {"12a0", june, false}, {"123", june, false}, {"12300", june, false}, {"", june, false},
	} {
		if got := ExpiryValid(tc.mmyy, tc.now); got != tc.want {
			t.Errorf("ExpiryValid(%q, %s) = %v, want %v", tc.mmyy, tc.now.Format(time.DateOnly), got, tc.want)
		}
	}
}
