package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/views"
)

// langCookie remembers the language a shopper picked with the switch.
const langCookie = "dc_lang"

// language picks the shopper's language and puts its localizer in the
// request's context, for the handlers and the views: ?lang= (from the
// switch: remembered in the dc_lang cookie, then the same page again
// without it), else the cookie, else Accept-Language, else Indonesian.
// Choosing a language changes nothing but how pages read, so a plain GET
// link may set it.
func (h *Handler) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.HasPrefix(r.URL.Path, route.AdminPrefix) {
			// The back office is in English only (its pages say lang="en").
			c.SetRequest(r.WithContext(i18n.WithLocalizer(r.Context(), i18n.For(i18n.English))))
			return next(c)
		}
		if q := r.URL.Query(); q.Has("lang") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if l := q.Get("lang"); i18n.Supported(l) {
				c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
					Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
			}
			q.Del("lang")
			back := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			return c.Redirect(http.StatusSeeOther, localPath(back.RequestURI()))
		}
		lang := i18n.Match(r.Header.Get("Accept-Language"))
		if ck, err := r.Cookie(langCookie); err == nil && i18n.Supported(ck.Value) {
			lang = ck.Value
		}
		c.Response().Header().Add("Vary", "Accept-Language")
		c.SetRequest(r.WithContext(i18n.WithLocalizer(r.Context(), i18n.For(lang))))
		return next(c)
	}
}

// loc is the request's localizer.
func loc(c echo.Context) *i18n.Localizer { return i18n.From(c.Request().Context()) }

// languageLinks are the switch's links: this page (its query kept) in each
// language.
func languageLinks(c echo.Context) []views.LanguageLink {
	cur := loc(c).Lang()
	r := c.Request()
	path := r.URL.Path
	if r.Method != http.MethodGet {
		// A form's answer: the link opens the form's page afresh.
		switch {
		case path == route.CartItems:
			path = route.Catalog
		case strings.HasPrefix(path, route.CartItems+"/"):
			path = route.Cart
		}
	}
	links := make([]views.LanguageLink, 0, len(i18n.Languages))
	for _, l := range i18n.Languages {
		q := url.Values{}
		if r.Method == http.MethodGet {
			q = r.URL.Query()
		}
		q.Set("lang", l.Code)
		u := url.URL{Path: path, RawQuery: q.Encode()}
		links = append(links, views.LanguageLink{Code: l.Code, Name: l.Name, URL: u.RequestURI(), Current: l.Code == cur})
	}
	return links
}

// translateErrors writes the payment package's message keys in the
// request's language.
func translateErrors(c echo.Context, errs map[string]string) views.FieldErrors {
	if errs == nil {
		return nil
	}
	out := views.FieldErrors{}
	for k, v := range errs {
		out[k] = loc(c).T(v)
	}
	return out
}
