package handlers

import "doku-checkout/views"

// countries offered at checkout (ISO 3166-1 alpha-2, as DOKU expects).
var countries = []views.Country{
	{Code: "ID", Name: "Indonesia"}, {Code: "SG", Name: "Singapore"}, {Code: "MY", Name: "Malaysia"},
	{Code: "TH", Name: "Thailand"}, {Code: "PH", Name: "Philippines"}, {Code: "VN", Name: "Vietnam"},
	{Code: "BN", Name: "Brunei"}, {Code: "TL", Name: "Timor-Leste"}, {Code: "AU", Name: "Australia"},
	{Code: "JP", Name: "Japan"}, {Code: "KR", Name: "South Korea"}, {Code: "CN", Name: "China"},
	{Code: "IN", Name: "India"}, {Code: "NL", Name: "Netherlands"}, {Code: "GB", Name: "United Kingdom"},
	{Code: "US", Name: "United States"},
}

var countryCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range countries {
		m[c.Code] = true
	}
	return m
}()
