package sandbox

import (
	"net/http"
	"sort"
	"time"

	"doku-checkout/doku/signature"
)

// tokenTypeCard is the only token_data.type the sandbox knows.
const tokenTypeCard = "CREDIT_CARD"

// savedCard is a tokenized card, bound to the customer it was issued for.
type savedCard struct {
	token      string
	customerID string
	card       cardData
	created    time.Time
}

// resolveToken finds token for customerID: 404 TOKEN_NOT_FOUND when unknown,
// 403 INVALID_TOKEN when issued to someone else. With strict false an empty
// customerID is accepted (check 3DS; the charge then demands the owner).
func (st *state) resolveToken(token, customerID string, strict bool) (*savedCard, *apiResponse) {
	sc := st.tokens[token]
	if sc == nil {
		resp := errorResponse(http.StatusNotFound, codeTokenNotFound, msgTokenNotFound)
		return nil, &resp
	}
	if (strict || customerID != "") && sc.customerID != customerID {
		resp := errorResponse(http.StatusForbidden, codeInvalidToken, msgTokenOwner)
		return nil, &resp
	}
	return sc, nil
}

// saveCard tokenizes c for customerID, reusing the token the customer
// already has for the same card.
func (st *state) saveCard(customerID string, c cardData, now time.Time) *savedCard {
	for _, sc := range st.tokens {
		if sc.customerID == customerID && sc.card.number == c.number {
			sc.card.expiry = c.expiry
			return sc
		}
	}
	sc := &savedCard{token: randomHex(16), customerID: customerID, card: c, created: now}
	st.tokens[sc.token] = sc
	return sc
}

// customerCards lists a customer's saved cards, oldest first.
func (st *state) customerCards(customerID string) []*savedCard {
	var out []*savedCard
	for _, sc := range st.tokens {
		if sc.customerID == customerID {
			out = append(out, sc)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].created.Equal(out[j].created) {
			return out[i].token < out[j].token
		}
		return out[i].created.Before(out[j].created)
	})
	return out
}

type listTokensRequest struct {
	Customer  customerIn `json:"customer"`
	TokenData struct {
		Type string `json:"type"`
	} `json:"token_data"`
}

type listTokensResponse struct {
	Customer  customerOut `json:"customer"`
	TokenData []tokenOut  `json:"token_data"`
}

type tokenOut struct {
	Token       string `json:"token"`
	Masked      string `json:"masked"`
	Brand       string `json:"brand"`
	Type        string `json:"type"`
	Expiry      string `json:"expiry"`
	CreatedDate string `json:"created_date"`
}

// listTokens is POST /tokenization/v1/tokens.
func (s *Server) listTokens(req *apiRequest) apiResponse {
	var in listTokensRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("customer.id", in.Customer.ID, maxCustomerID)
	if in.TokenData.Type != "" {
		v.check(in.TokenData.Type == tokenTypeCard, "token_data.type", reasonTokenType)
	}
	if v.resp != nil {
		return *v.resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := listTokensResponse{Customer: customerOut{ID: in.Customer.ID}, TokenData: []tokenOut{}}
	for _, sc := range s.st.customerCards(in.Customer.ID) {
		out.TokenData = append(out.TokenData, tokenOut{
			Token:       sc.token,
			Masked:      sc.card.masked(),
			Brand:       sc.card.brand,
			Type:        cardTypeCredit,
			Expiry:      sc.card.expiry,
			CreatedDate: sc.created.UTC().Format(signature.TimestampLayout),
		})
	}
	return jsonResponse(http.StatusOK, out)
}
