package views

// adminStoreName is the store's name in the back office's header.
func adminStoreName(p AdminPage) string {
	if p.StoreName == "" {
		return storeName
	}
	return p.StoreName
}
