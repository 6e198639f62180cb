package sandbox

// Error codes the sandbox answers with, in the body
// {"error":{"code":...,"message":...,"type":...}} (docs/doku-api.md §3.2).
const (
	codeInvalidHeader      = "INVALID_HEADER"
	codeInvalidClientID    = "INVALID_CLIENT_ID"
	codeInvalidTimestamp   = "INVALID_TIMESTAMP"
	codeInvalidSignature   = "INVALID_SIGNATURE"
	codeDuplicateRequestID = "DUPLICATE_REQUEST_ID"
	codeUnsupportedMedia   = "UNSUPPORTED_MEDIA_TYPE"
	codeInvalidFormat      = "INVALID_FORMAT"
	codeInvalidField       = "INVALID_FIELD"
	codePayloadTooLarge    = "PAYLOAD_TOO_LARGE"
	codeNotFound           = "NOT_FOUND"
	codeAuthNotFound       = "AUTHENTICATION_NOT_FOUND"
	codeTokenNotFound      = "TOKEN_NOT_FOUND"
	codeInvalidToken       = "INVALID_TOKEN"
	codeTransactionMissing = "TRANSACTION_NOT_FOUND"
	codeDuplicateInvoice   = "DUPLICATE_INVOICE"
	codeMethodUnavailable  = "PAYMENT_METHOD_NOT_AVAILABLE"
	codeInternal           = "INTERNAL_ERROR"
)

// Error types, the coarse class of an error code.
const (
	typeAuthentication = "authentication_error"
	typeIdempotency    = "idempotency_error"
	typeInvalidRequest = "invalid_request_error"
	typeAPI            = "api_error"
)

// Messages for header and signature failures.
const (
	msgMissingHeader     = "missing header %s"
	msgRequestIDTooLong  = "Request-Id must be 1 to 128 characters"
	msgUnknownClientID   = "unknown Client-Id"
	msgBadTimestamp      = "Request-Timestamp must look like 2021-08-24T08:46:42Z"
	msgTimestampSkew     = "Request-Timestamp is more than 5 minutes away from the server clock"
	msgBadSignature      = "Signature does not match the request"
	msgDuplicateID       = "Request-Id was already used for a different request"
	msgContentType       = "Content-Type must be application/json"
	msgMalformedJSON     = "request body is not a valid JSON object"
	msgBodyTooLarge      = "request body is larger than 64 KiB"
	msgRouteNotFound     = "no such endpoint"
	msgChargeServerError = "internal error while processing the charge; check the status"
	msgPanic             = "internal error"
)

// Messages for lookups and business rules.
const (
	msgAuthNotFound      = "three_dsecure.authentication_id is unknown"
	msgTokenNotFound     = "card.token is unknown"
	msgTokenOwner        = "card.token was not issued to this customer.id"
	msgInvoicePaid       = "order.invoice_number is already paid"
	msgStatusNotFound    = "no transaction for this invoice number or Request-Id"
	msgAuthorizeNotFound = "payment.authorize_id is unknown"
	msgOriginalNotFound  = "payment.original_request_id is unknown"
	msgNoCardMethod      = "payment.payment_method_types does not include CREDIT_CARD, the only method this sandbox offers"
)

// Reasons appended to a field path in INVALID_FIELD messages ("card.number: ...").
const (
	reasonMandatory     = "is mandatory"
	reasonWrongType     = "has the wrong JSON type"
	reasonAmount        = "must be a whole number from 1 to 999999999999"
	reasonPrice         = "must be a whole number from 0 to 999999999999"
	reasonQuantity      = "must be a whole number from 1 to 9999"
	reasonMaxLen        = "must be at most %d characters"
	reasonPrintable     = "must contain printable characters only"
	reasonLineItemsSum  = "price × quantity must add up to order.amount"
	reasonDigits        = "must contain digits only"
	reasonPhoneCountry  = "must start with the country code, e.g. 6281122334455"
	reasonAlphabetic    = "allowed characters: alphabetic"
	reasonItemNameChars = "allowed characters: letters, digits, space and ? . , _ -"
	reasonAddressChars  = "allowed characters: letters, digits, space and ? . / + , = _ : @ -"
	reasonCountry       = "must be 2 letters (ISO 3166-1 alpha-2)"
	reasonEmail         = "must be an email address"
	reasonLuhn          = "is not a valid card number"
	reasonBrand         = "brand is not VISA, MASTER, JCB or AMEX"
	reasonExpiry        = "must be MMYY"
	reasonCVV           = "must be 3 digits (4 for AMEX)"
	reasonCardOrToken   = "card.number and card.expiry, or card.token, are mandatory"
	reasonURL           = "must be an absolute http or https URL"
	reasonPaymentType   = "must be SALE, MOTO, AUTHORIZE, INSTALLMENT or RECURRING"
	reasonCheckoutType  = "must be SALE, AUTHORIZE or INSTALLMENT (a Checkout payment passes 3-D Secure)"
	reasonTenor         = "is mandatory for an INSTALLMENT payment"
	reasonAuthID        = "must be 64 lowercase hex characters"
	reasonAuthForMOTO   = "must not be sent for a MOTO or RECURRING payment (no 3-D Secure)"
	reasonAuthPending   = "authentication is not completed"
	reasonAuthFailed    = "authentication failed"
	reasonAuthUsed      = "authentication was already used for a charge"
	reasonSaveNeedsID   = "is mandatory when card.save is true"
	reasonTokenNeedsID  = "is mandatory when card.token is sent"
	reasonAuthAmount    = "does not match the amount that was authenticated"
	reasonAuthInvoice   = "does not match the invoice that was authenticated"
	reasonAuthCard      = "does not match the card that was authenticated"
	reasonAuthToken     = "does not match the token that was authenticated"
	reasonNotAuthorize  = "is not an authorization awaiting capture"
	reasonCaptureAmount = "must be from 1 to the authorized amount"
	reasonRefundAmount  = "exceeds the amount left to refund"
	reasonNotRefundable = "transaction is not settled"
	reasonRefundInvoice = "does not match the transaction's invoice"
	reasonTokenType     = "must be CREDIT_CARD"
	reasonDueDate       = "must be from 1 to 43200 minutes"
)
