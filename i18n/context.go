package i18n

import "context"

type ctxKey struct{}

// WithLocalizer returns ctx carrying l: the views write in its language.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the localizer ctx carries, or the default language's.
func From(ctx context.Context) *Localizer {
	if ctx != nil {
		if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
			return l
		}
	}
	return For(Default)
}
