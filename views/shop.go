package views

// shopName is the store's name from the page, or the demo's when a page
// was built without one.
func shopName(p Page) string {
	if p.Shop.Name != "" {
		return p.Shop.Name
	}
	return storeName
}
