package device

// cleanLine turns the raw bytes of one terminal line (without its \n)
// into the text a terminal would show, as a one-line screen: printable
// bytes overwrite the cell under the cursor; \r, \b and the cursor
// movements of ANSI CSI sequences (CUB `ESC[nD`, CUF `ESC[nC`, CHA
// `ESC[nG`) move it; erase-line (`ESC[K`, `ESC[2K`) clears; other escape
// sequences (colours, OSC titles) and control bytes are dropped. This is
// how a pager's prompt disappears: VRP prints `  ---- More ----`, then
// after the key `ESC[42D`, 42 blanks and `ESC[42D` before the next line
// (DOMAIN.md "Huawei family"); less prints `:` and then `\r ESC[K`.
//
// Blanks that only erased earlier text and lie beyond what the last pass
// over the line wrote are trimmed (they are not part of the output);
// otherwise the text keeps its spaces and tabs.
//
// up reports that the line moved the cursor up (CUU `ESC[nA`): it writes
// onto the line above, as VRP's ` (+B)` mark after an echoed command
// (DOMAIN.md "HRP").
func cleanLine(raw []byte) (text string, up bool) {
	var (
		cells  []byte
		gen    []uint16
		cur    int
		pass   uint16 // counts moves to the left: a new pass over the line
		simple = true
	)
	for _, b := range raw {
		if b < 0x20 && b != '\t' || b == 0x7f {
			simple = false
			break
		}
	}
	if simple {
		return string(raw), false
	}
	left := func(to int) {
		to = max(to, 0)
		if to < cur {
			pass++
		}
		cur = to
	}
	put := func(b byte) {
		for len(cells) < cur {
			cells = append(cells, ' ')
			gen = append(gen, pass)
		}
		if cur == len(cells) {
			cells = append(cells, b)
			gen = append(gen, pass)
		} else {
			cells[cur] = b
			gen[cur] = pass
		}
		cur++
	}
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		switch {
		case b == '\r':
			left(0)
		case b == '\b':
			left(cur - 1)
		case b == 0x1b:
			i = escape(raw, i, func(final byte, n int, hasN bool) {
				if (!hasN || n == 0) && final != 'K' {
					n = 1
				}
				switch final {
				case 'D':
					left(cur - n)
				case 'C':
					cur = min(cur+n, maxCols)
				case 'G':
					n = min(n, maxCols)
					if n-1 < cur {
						left(n - 1)
					} else {
						cur = n - 1
					}
				case 'K':
					if !hasN {
						n = 0
					}
					switch n {
					case 0:
						if cur < len(cells) {
							cells, gen = cells[:cur], gen[:cur]
						}
					case 1:
						for j := 0; j < cur && j < len(cells); j++ {
							cells[j], gen[j] = ' ', pass
						}
					case 2:
						cells, gen = cells[:0], gen[:0]
					}
				case 'A':
					up = true
				}
			})
		case b == '\t' || b >= 0x20 && b != 0x7f:
			put(b)
		}
	}
	// Trim the trailing blanks an earlier pass left beyond what the last
	// pass wrote: they erased a pager prompt, they are not output.
	if pass > 0 {
		end := len(cells)
		for end > 0 && cells[end-1] == ' ' && gen[end-1] < pass {
			end--
		}
		cells = cells[:end]
	}
	return string(cells), up
}

// escape parses the escape sequence starting at raw[i] (an ESC) and
// returns the index of its last byte. For a CSI sequence it calls csi
// with the final byte and the first numeric parameter.
func escape(raw []byte, i int, csi func(final byte, n int, hasN bool)) int {
	if i+1 >= len(raw) {
		return i
	}
	switch raw[i+1] {
	case '[':
		n, hasN, first := 0, false, true
		j := i + 2
		for ; j < len(raw); j++ {
			c := raw[j]
			switch {
			case c >= '0' && c <= '9':
				if first && n < 1<<20 {
					n = n*10 + int(c-'0')
					hasN = true
				}
			case c == ';':
				first = false
			case c >= 0x20 && c <= 0x3f:
				// other parameters and intermediates
			case c >= 0x40 && c <= 0x7e:
				csi(c, n, hasN)
				return j
			default:
				return j - 1 // a broken sequence: drop what was read
			}
		}
		return len(raw) - 1
	case ']': // OSC: up to BEL or ESC \
		for j := i + 2; j < len(raw); j++ {
			if raw[j] == 0x07 {
				return j
			}
			if raw[j] == 0x1b && j+1 < len(raw) && raw[j+1] == '\\' {
				return j + 1
			}
		}
		return len(raw) - 1
	}
	return i + 1 // a two-byte escape (ESC 7, ESC =, ...)
}

// maxCols bounds cursor movements, so hostile output cannot make a line
// grow without end.
const maxCols = 1 << 16
