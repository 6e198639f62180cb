package app_test

import (
	"testing"
)

// The money scenarios of this suite again, every app on PostgreSQL
// (apptest's APPTEST_STORE=postgres default): charge once under replays and
// races, declines, 3-D Secure failures, saved cards, notifications, the
// busy cart, hosted payments, mail, and the rate limits. APPTEST_STORE=postgres go test ./app/
// runs the whole suite there (bar the few tests that open the SQLite file
// itself).
func TestMoneyScenariosOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the PostgreSQL pass: make test runs it, make check (-short) leaves it out")
	}
	t.Setenv("APPTEST_STORE", "postgres")
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"GuestPaysWithSuccessCard", TestGuestPaysWithSuccessCard},
		{"DeclinedCardsFail", TestDeclinedCardsFail},
		{"ThreeDSFailureNeverCharges", TestThreeDSFailureNeverCharges},
		{"SavedCardRepeatPayment", TestSavedCardRepeatPayment},
		{"AmountTamperingIsIgnored", TestAmountTamperingIsIgnored},
		{"DoubleSubmittedCheckoutMakesOneOrder", TestDoubleSubmittedCheckoutMakesOneOrder},
		{"ReplayedThreeDSReturnChargesOnce", TestReplayedThreeDSReturnChargesOnce},
		{"BackButtonResubmitDoesNotChargeAgain", TestBackButtonResubmitDoesNotChargeAgain},
		{"Notifications", TestNotifications},
		{"ThreeDSReturnRacesNotification", TestThreeDSReturnRacesNotification},
		{"PendingCartCannotBePaidAgain", TestPendingCartCannotBePaidAgain},
		{"OlderThreeDSTabCannotChargeTheSameCart", TestOlderThreeDSTabCannotChargeTheSameCart},
		{"HostedPaymentSavesCardAndSettlesByNotification", TestHostedPaymentSavesCardAndSettlesByNotification},
		{"HostedDeclineThenPayOnTheSameLink", TestHostedDeclineThenPayOnTheSameLink},
		{"PaidOrderPutsOneReceiptInTheMailbox", TestPaidOrderPutsOneReceiptInTheMailbox},
		{"SlowChargeShowsConfirmingThenSettles", TestSlowChargeShowsConfirmingThenSettles},
		{"LoginMovesTheCartAwayFromThePreLoginCookie", TestLoginMovesTheCartAwayFromThePreLoginCookie},
		// The limits, kept in the database there (StoreThrottles).
		{"LoginThrottledPerAccountAcrossAddresses", TestLoginThrottledPerAccountAcrossAddresses},
		{"RegistrationProbesAreLimited", TestRegistrationProbesAreLimited},
	} {
		t.Run(tc.name, tc.run)
	}
}
