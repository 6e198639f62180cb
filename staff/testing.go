package staff

import (
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"
)

// FastHashesForTests lowers bcrypt's cost so test suites that create many
// accounts stay quick. Never call it outside tests.
func FastHashesForTests() { hashCost = bcrypt.MinCost }

// CodeForTests is the code of secret at t, as an authenticator app shows
// it. Tests only.
func CodeForTests(secret string, t time.Time) string {
	code, err := totp.GenerateCodeCustom(secret, t, totpOpts)
	if err != nil {
		panic(err)
	}
	return code
}
