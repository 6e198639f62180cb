package i18n

import (
	"strconv"
	"strings"
)

// filling is a message whose only verbs are string arguments (%s, %[n]s):
// T fills it itself, without x/text's printer (a printer state and its
// parsing on every call). Anything else (numbers, widths, %%) is left to
// the printer.
type filling struct {
	parts []string // literal text; parts[i] comes before args[idx[i]]
	idx   []int    // the argument each verb takes, 0-based
	n     int      // how many arguments it takes, each at least once
}

// parseFilling returns the filling of text, or false when text has a verb
// other than %s and %[n]s, mixes the two forms, or skips an argument.
func parseFilling(text string) (filling, bool) {
	var f filling
	var lit strings.Builder
	explicit, plain := false, false
	next := 0
	used := map[int]bool{}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		rest := text[i+1:]
		var arg, width int
		switch {
		case strings.HasPrefix(rest, "s"):
			plain, arg, width = true, next, 1
		case strings.HasPrefix(rest, "["):
			end := strings.Index(rest, "]s")
			n, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n < 1 {
				return filling{}, false
			}
			explicit, arg, width = true, n-1, end+2
		default:
			return filling{}, false
		}
		if explicit && plain {
			return filling{}, false
		}
		f.parts = append(f.parts, lit.String())
		lit.Reset()
		f.idx = append(f.idx, arg)
		used[arg] = true
		next = arg + 1
		i += width
	}
	f.parts = append(f.parts, lit.String())
	f.n = len(used)
	for a := range f.n {
		if !used[a] {
			return filling{}, false
		}
	}
	return f, len(f.idx) > 0
}

// fill writes f with args, all strings and as many as f takes; false
// otherwise (the printer then writes what it writes for those).
func (f filling) fill(args []any) (string, bool) {
	if len(args) != f.n {
		return "", false
	}
	strs := make([]string, len(args))
	size := 0
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return "", false
		}
		strs[i] = s
		size += len(s)
	}
	for _, p := range f.parts {
		size += len(p)
	}
	var b strings.Builder
	b.Grow(size)
	for i, p := range f.parts {
		b.WriteString(p)
		if i < len(f.idx) {
			b.WriteString(strs[f.idx[i]])
		}
	}
	return b.String(), true
}
