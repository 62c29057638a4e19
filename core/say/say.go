// Package say keeps a sentence the core says to the user as its template and
// values, so that the window can say it in the user's language (its
// translation files are keyed by the English template) while the command
// line prints it in English. Templates use Go's text/template syntax with
// named values: "The folder {{.Dir}} does not exist."
package say

import (
	"fmt"
	"strings"
	"text/template"
)

// Sentence is one sentence for the user, not yet put into a language.
type Sentence struct {
	Template string         // the English sentence, with {{.Name}} for each value
	Args     map[string]any // the values; nil when there are none
	plain    string         // a text said as it is in every language (Plain)
}

// Plain is text said as it is in every language: words made elsewhere (a
// server's, or a sentence not yet written as a template). It is never read
// as a template.
func Plain(text string) Sentence { return Sentence{plain: text} }

// Translatable tells whether s has a template to translate; a Plain
// sentence has not.
func (s Sentence) Translatable() bool { return s.Template != "" }

// T is the sentence template with its values given as name, value pairs:
// T("The folder {{.Dir}} does not exist.", "Dir", dir).
func T(template string, pairs ...any) Sentence {
	s := Sentence{Template: template}
	if len(pairs) > 0 {
		s.Args = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			s.Args[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	return s
}

// String is the sentence in English.
func (s Sentence) String() string {
	if s.Template == "" {
		return s.plain
	}
	if s.Args == nil || !strings.Contains(s.Template, "{{") {
		return s.Template
	}
	t, err := template.New("").Option("missingkey=zero").Parse(s.Template)
	if err != nil {
		return s.Template // a fault of ours: still better than nothing
	}
	var b strings.Builder
	if err := t.Execute(&b, s.Args); err != nil {
		return s.Template
	}
	return b.String()
}

// IsZero tells whether s says nothing.
func (s Sentence) IsZero() bool { return s.Template == "" && s.plain == "" }

// Map is s with every value passed through f (making text from outside
// printable, say), for showing.
func (s Sentence) Map(f func(string) string) Sentence {
	if s.Template == "" {
		return Plain(f(s.plain))
	}
	if s.Args == nil {
		return s
	}
	out := Sentence{Template: s.Template, Args: make(map[string]any, len(s.Args))}
	for k, v := range s.Args {
		if text, ok := v.(string); ok {
			v = f(text)
		}
		out.Args[k] = v
	}
	return out
}
