package views

// MailView is an e-mail's HTML body (MailBody). Every text comes filled in
// by package mail, from its one table of texts, so the template holds none.
type MailView struct {
	Lang       string // the <html lang>, e.g. "en"
	StoreName  string
	Heading    string
	Intro      string
	Paragraphs []string
	Facts      []MailFact // invoice, date, card…
	// The order's lines; none: no table.
	Lines                                          []Line
	ItemLabel, QtyLabel, PriceLabel, SubtotalLabel string
	TotalLabel, TotalText                          string
	DeliverHeading                                 string
	DeliverLines                                   []string
	LinkText, LinkURL, LinkNote                    string
	ContactHeading, ContactNote                    string
	Contact                                        []MailFact
	Footer                                         string
}

// MailFact is one labelled value of an e-mail.
type MailFact struct{ Label, Value string }

// OutboxView is the sandbox's outbox page.
type OutboxView struct {
	Page
	Note  string
	Mails []OutboxRow
}

// OutboxRow is one mail in the outbox list.
type OutboxRow struct {
	DateText, To, Subject, Status, URL string
}

// OutboxMailView is one mail of the outbox.
type OutboxMailView struct {
	Page
	Subject string
	Headers []MailFact // From, To, Date, status…
	Text    string
	HTMLURL string // the HTML body, served on its own for the frame
	BackURL string
}
