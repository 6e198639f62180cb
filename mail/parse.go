package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
)

// Parsed is a message of the outbox read back: what the sandbox's outbox
// page shows, and what tests check.
type Parsed struct {
	Header mail.Header
	Text   string // the text/plain part, decoded, with \n line ends
	HTML   string // the text/html part, decoded, with \n line ends
}

// Parse reads a multipart/alternative message as Compose writes it.
func Parse(raw []byte) (Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Parsed{}, fmt.Errorf("mail: read message: %w", err)
	}
	p := Parsed{Header: msg.Header}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return Parsed{}, fmt.Errorf("mail: not a multipart message: %q", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return Parsed{}, fmt.Errorf("mail: part: %w", err)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			return Parsed{}, fmt.Errorf("mail: read part: %w", err)
		}
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.Text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case "text/html":
			p.HTML = strings.ReplaceAll(string(body), "\r\n", "\n")
		}
	}
}

// Subject is the decoded Subject header.
func (p Parsed) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		return p.Header.Get("Subject")
	}
	return s
}
