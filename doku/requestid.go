package doku

import (
	"errors"

	"github.com/google/uuid"
)

// maxRequestIDLen is DOKU's limit on the Request-Id header.
const maxRequestIDLen = 128

// NewRequestID returns a fresh UUIDv4 for the Request-Id header.
func NewRequestID() string { return uuid.NewString() }

// checkRequestID rejects a Request-Id DOKU would refuse before anything is sent.
func checkRequestID(id string) error {
	switch {
	case id == "":
		return errors.New("empty Request-Id")
	case len(id) > maxRequestIDLen:
		return errors.New("Request-Id longer than 128 characters")
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x21 || c > 0x7e {
			return errors.New("Request-Id with a character outside printable ASCII")
		}
	}
	return nil
}
