package staff

import "golang.org/x/crypto/bcrypt"

// FastHashesForTests lowers bcrypt's cost so test suites that create many
// accounts stay quick. Never call it outside tests.
func FastHashesForTests() { hashCost = bcrypt.MinCost }
