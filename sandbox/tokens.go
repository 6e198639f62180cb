package sandbox

import (
	"net/http"
	"slices"
	"sort"
	"time"
)

// tokenTypeCard is the only token channel the sandbox knows.
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
	for _, sc := range st.cardsByCustomer[customerID] {
		if sc.card.number == c.number {
			sc.card.expiry = c.expiry
			return sc
		}
	}
	sc := &savedCard{token: randomHex(16), customerID: customerID, card: c, created: now}
	st.tokens[sc.token] = sc
	st.cardsByCustomer[customerID] = append(st.cardsByCustomer[customerID], sc)
	return sc
}

// customerCards lists a customer's saved cards, oldest first (by when
// they were saved, then token). It reads the customer's own cards only.
func (st *state) customerCards(customerID string) []*savedCard {
	out := slices.Clone(st.cardsByCustomer[customerID])
	sort.Slice(out, func(i, j int) bool {
		if out[i].created.Equal(out[j].created) {
			return out[i].token < out[j].token
		}
		return out[i].created.Before(out[j].created)
	})
	return out
}

// deleteCard unbinds a saved card.
func (st *state) deleteCard(sc *savedCard) {
	delete(st.tokens, sc.token)
	cards := remove(st.cardsByCustomer[sc.customerID], sc)
	if cards == nil {
		delete(st.cardsByCustomer, sc.customerID)
	} else {
		st.cardsByCustomer[sc.customerID] = cards
	}
}

// Token list and delete, v2 (TOKEN2; DOKU's samples
// tokens-v2.get-token.*.json and tokens-v2.delete-token.request.json). The
// archived v1 /tokenization/v1/tokens is not served: a client still on it
// gets 404.

type getTokensRequest struct {
	Customer customerIn `json:"customer"`
	Channel  struct {
		ID string `json:"id"`
	} `json:"channel"`
	Issuer struct {
		ID string `json:"id"`
	} `json:"issuer"`
}

type getTokensResponse struct {
	Customer customerOut `json:"customer"`
	Tokens   []tokenV2   `json:"tokens"`
}

type tokenV2 struct {
	ID            string      `json:"id"`
	MaskedAccount string      `json:"masked_account"`
	Card          tokenV2Card `json:"card"`
}

type tokenV2Card struct {
	Expiry  string `json:"expiry"` // YY/MM, as DOKU's sample "26/12"
	Brand   string `json:"brand"`
	Issuer  string `json:"issuer"`
	Country string `json:"country"`
	BIN     int64  `json:"bin"`
}

// getTokens is POST /tokenization/v2/get-token.
func (s *Server) getTokens(req *apiRequest) apiResponse {
	var in getTokensRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("customer.id", in.Customer.ID, maxCustomerID)
	// channel.id is in DOKU's sample; whether DOKU demands it is not
	// published, so only a wrong one is refused.
	if in.Channel.ID != "" {
		v.check(in.Channel.ID == tokenTypeCard, "channel.id", reasonTokenType)
	}
	v.text("issuer.id", in.Issuer.ID, maxToken)
	if v.resp != nil {
		return *v.resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := getTokensResponse{Customer: customerOut{ID: in.Customer.ID}, Tokens: []tokenV2{}}
	for _, sc := range s.st.customerCards(in.Customer.ID) {
		out.Tokens = append(out.Tokens, tokenV2{
			ID:            sc.token,
			MaskedAccount: "********" + sc.card.number[len(sc.card.number)-4:],
			Card: tokenV2Card{
				Expiry:  sc.card.expiry[2:] + "/" + sc.card.expiry[:2],
				Brand:   sc.card.brand,
				Issuer:  sc.card.issuer(),
				Country: "ID",
				BIN:     int64(atoiDigits(sc.card.number[:6])),
			},
		})
	}
	return jsonResponse(http.StatusOK, out)
}

type deleteTokenRequest struct {
	Token struct {
		ID string `json:"id"`
	} `json:"token"`
}

// deleteToken is POST /tokenization/v2/delete-token: the token only, no
// customer (TOKEN2). An unknown token is 404 TOKEN_NOT_FOUND. The answer
// is HTTP 200 with signed headers and no body: DOKU publishes none.
func (s *Server) deleteToken(req *apiRequest) apiResponse {
	var in deleteTokenRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("token.id", in.Token.ID, maxToken)
	if v.resp != nil {
		return *v.resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.st.tokens[in.Token.ID]
	if sc == nil {
		return errorResponse(http.StatusNotFound, codeTokenNotFound, msgTokenNotFound)
	}
	s.st.deleteCard(sc)
	return apiResponse{status: http.StatusOK}
}
