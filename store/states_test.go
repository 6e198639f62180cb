package store

// The order states the store's tests use, written out: the store does not
// know them (they are package payment's vocabulary), it runs the steps it is
// handed, and these tests hand it steps as payment would.
const (
	StatusCreated     Status = "CREATED"
	StatusAwaiting3DS Status = "AWAITING_3DS"
	StatusCharging    Status = "CHARGING"
	StatusPending     Status = "PENDING"
	StatusSuccess     Status = "SUCCESS"
	StatusFailed      Status = "FAILED"
)
