package views

import (
	"context"

	"doku-checkout/i18n"
)

// t writes a message of the i18n catalog in the language ctx carries (the
// request's, set by the handlers' language middleware).
func t(ctx context.Context, key string, args ...any) string { return i18n.From(ctx).T(key, args...) }

// lang is the page's language code, for <html lang>.
func lang(ctx context.Context) string { return i18n.From(ctx).Lang() }

// status is an order status as its badge reads it in ctx's language.
func status(ctx context.Context, code string) string { return i18n.From(ctx).Status(code) }
