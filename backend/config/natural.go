package config

import "strings"

// NaturalLess orders names as the Vyatta family does: runs of digits compare
// by their numeric value (eth2 < eth10, rule 5 < rule 10); a tie on value
// (leading zeros: 05 and 5) falls back to the shorter run first, so the
// order is total and stable.
func NaturalLess(a, b string) bool {
	return naturalCompare(a, b) < 0
}

func naturalCompare(a, b string) int {
	// Most names compared are numbers (rules, sequence numbers): without
	// leading zeros, the longer is the larger, else the bytes decide.
	if len(a) > 0 && len(b) > 0 && a[0] != '0' && b[0] != '0' && allDigits(a) && allDigits(b) {
		if len(a) != len(b) {
			return cmpInt(len(a), len(b))
		}
		return strings.Compare(a, b)
	}
	return naturalCompareRuns(a, b)
}

// allDigits reports whether s is digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// naturalCompareRuns is naturalCompare for any names, run by run.
func naturalCompareRuns(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			// Strip leading zeros, then compare by length, then digit by digit.
			na, nb := trimZeros(a[si:i]), trimZeros(b[sj:j])
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			if (i - si) != (j - sj) {
				return cmpInt(i-si, j-sj)
			}
			continue
		}
		if ca != cb {
			return cmpInt(int(ca), int(cb))
		}
		i++
		j++
	}
	return cmpInt(len(a)-i, len(b)-j)
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// plainNumber reports whether s is digits only, without a leading zero:
// a rule or sequence number, which naturalCompare orders by length, then
// bytes.
func plainNumber(s string) bool { return s != "" && s[0] != '0' && allDigits(s) }

// numberCompare is naturalCompare for two plain numbers (plainNumber).
func numberCompare(a, b string) int {
	if len(a) != len(b) {
		return cmpInt(len(a), len(b))
	}
	return strings.Compare(a, b)
}
