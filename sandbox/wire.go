package sandbox

// Request and response bodies as docs/doku-api.md describes them.
// The sandbox defines its own wire structs and shares none with the client.

type orderIn struct {
	InvoiceNumber string     `json:"invoice_number"`
	Amount        int64      `json:"amount"`
	LineItems     []lineItem `json:"line_items"`
	CallbackURL   string     `json:"callback_url"`
}

type lineItem struct {
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int64  `json:"quantity"`
}

type customerIn struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
	Country string `json:"country"`
}

type cardIn struct {
	Number string `json:"number"`
	Expiry string `json:"expiry"`
	CVV    string `json:"cvv"`
	Token  string `json:"token"`
	Save   bool   `json:"save"`
}

type threeDSIn struct {
	AuthenticationID   string `json:"authentication_id"`
	CallbackURLSuccess string `json:"callback_url_success"`
	CallbackURLFailed  string `json:"callback_url_failed"`
}

type orderOut struct {
	InvoiceNumber string `json:"invoice_number,omitempty"`
	Amount        int64  `json:"amount"`
}

type customerOut struct {
	ID string `json:"id"`
}

// customerRef is {"id":...} or nothing when there is no id.
func customerRef(id string) *customerOut {
	if id == "" {
		return nil
	}
	return &customerOut{ID: id}
}
