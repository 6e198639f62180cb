package handlers_test

import (
	"testing"

	"doku-checkout/app/apptest"
)

// TestMain scans what the apps of these tests left behind for card data.
func TestMain(m *testing.M) { apptest.Main(m) }
