package payment

import (
	"testing"

	"doku-checkout/doku"
	"doku-checkout/i18n"
)

// Every answer an order can record reads as a sentence of the catalog in
// both languages, never as DOKU's or our English text.
func TestEveryRecordedAnswerHasASentence(t *testing.T) {
	recorded := []string{TextThreeDSFailed, TextThreeDSNotCompleted, TextNotCompleted, TextGatewayUnavailable, TextNotEnrolled,
		TextBankDeclined, refusedText(&doku.APIError{Code: "INVALID_FIELD"}), "some text from an older version"}
	for code, text := range responseTexts {
		recorded = append(recorded, text)
		if p := Answer(code, text); !i18n.Has(p.Key) || p.Code != code {
			t.Errorf("code %s: %+v, want a catalog sentence with the code", code, p)
		}
	}
	for _, text := range recorded {
		p := Answer("", text)
		if !i18n.Has(p.Key) {
			t.Errorf("%q: key %q not in the catalogs", text, p.Key)
		}
		for _, lang := range []string{i18n.Indonesian, i18n.English} {
			if got := i18n.For(lang).Say(p); got == "" || got == p.Key {
				t.Errorf("%q in %s: %q", text, lang, got)
			}
		}
	}
	for _, tc := range []struct {
		code, text string
		want       i18n.Phrase
	}{
		{"05", "Do not honour", i18n.Phrase{Key: "bank.05", Code: "05"}},
		{"51", "Insufficient funds", i18n.Phrase{Key: "bank.51", Code: "51"}},
		{"77", TextBankDeclined, i18n.Phrase{Key: "answer.declined", Code: "77"}},
		{"", "Refused by the payment gateway (INVALID_FIELD)", i18n.Phrase{Key: "answer.gateway_refused", Arg: "INVALID_FIELD"}},
		{"", TextThreeDSFailed, i18n.Phrase{Key: "answer.3ds_failed"}},
		{"", "", i18n.Phrase{}},
	} {
		if got := Answer(tc.code, tc.text); got != tc.want {
			t.Errorf("Answer(%q, %q) = %+v, want %+v", tc.code, tc.text, got, tc.want)
		}
	}
	if got := i18n.For(i18n.Indonesian).Say(Answer("05", "Do not honour")); got != "Kartu ditolak oleh bank (05)" {
		t.Errorf("05 in Bahasa Indonesia = %q", got)
	}
}

// Every status a shopper can see has a badge text in both languages, and
// every receipt text a sentence.
func TestEveryShopperStatusAndReceiptTextIsTranslated(t *testing.T) {
	for _, s := range []Status{StatusCreated, StatusAwaiting3DS, StatusAwaitingPayment, StatusCharging, StatusPending, StatusSuccess,
		StatusFailed, StatusAuthorized, StatusVoided, StatusPartiallyRefunded, StatusRefunded} {
		if k := "status." + ShownStatus(s); !i18n.Has(k) {
			t.Errorf("status %s shows %s: no %s", s, ShownStatus(s), k)
		}
	}
	for _, k := range []string{TextPaid, TextFailed, TextConfirming, TextAttemptDeclined, TextAwaitingPayment, TextAwaiting3DS,
		TextAuthorized, TextVoided, TextPartRefunded, TextRefunded} {
		if !i18n.Has(k) {
			t.Errorf("receipt text %q is not in the catalogs", k)
		}
	}
}
