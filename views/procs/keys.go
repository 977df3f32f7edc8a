package procs

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the process panel's keys, htop's where htop has one. Arrows move (k is kill, as
// in htop, so there is no vi movement).
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding

	SortMenu, SortPrev, SortNext          key.Binding // F6, <, >
	SortCPU, SortMem, SortTime, SortPID   key.Binding // P M T N
	Invert                                key.Binding // I
	Filter, Search, SearchNext            key.Binding // / F3 n
	Tree, Fold, FoldAll                   key.Binding // t/F5, + - =, *
	Threads, Kernel, User                 key.Binding // H K u
	Kill, NiceDown, NiceUp, Pin           key.Binding // k/F9, F7/], F8/[, p
	Detail, Back                          key.Binding // Enter, Esc
	Accept, Cancel, Choose, Yes, ClearTxt key.Binding // inside prompts and choosers
}

// DefaultKeyMap returns the bindings.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
	}
	return KeyMap{
		Up:         b([]string{"up"}, "↑", "previous process"),
		Down:       b([]string{"down"}, "↓", "next process"),
		PageUp:     b([]string{"pgup"}, "pgup", "page up"),
		PageDown:   b([]string{"pgdown"}, "pgdn", "page down"),
		Top:        b([]string{"home"}, "home", "first process"),
		Bottom:     b([]string{"end"}, "end", "last process"),
		SortMenu:   b([]string{"f6"}, "F6", "sort by…"),
		SortPrev:   b([]string{"<"}, "<", "sort by the column left"),
		SortNext:   b([]string{">"}, ">", "sort by the column right"),
		SortCPU:    b([]string{"P"}, "P", "sort by %CPU"),
		SortMem:    b([]string{"M"}, "M", "sort by RSS"),
		SortTime:   b([]string{"T"}, "T", "sort by TIME+"),
		SortPID:    b([]string{"N"}, "N", "sort by PID"),
		Invert:     b([]string{"I"}, "I", "invert the sort"),
		Filter:     b([]string{"/", "\\", "f4"}, "/", "filter"),
		Search:     b([]string{"f3"}, "F3", "search"),
		SearchNext: b([]string{"n"}, "n", "next match"),
		Tree:       b([]string{"t", "f5"}, "t/F5", "tree"),
		Fold:       b([]string{"+", "-", "="}, "+/-", "fold or unfold the subtree"),
		FoldAll:    b([]string{"*"}, "*", "fold or unfold all"),
		Threads:    b([]string{"H"}, "H", "threads"),
		Kernel:     b([]string{"K"}, "K", "hide kernel threads"),
		User:       b([]string{"u"}, "u", "only one user's"),
		Kill:       b([]string{"k", "f9"}, "k/F9", "send a signal"),
		NiceDown:   b([]string{"f7", "]"}, "F7", "nice −1 (more CPU)"),
		NiceUp:     b([]string{"f8", "["}, "F8", "nice +1 (less CPU)"),
		Pin:        b([]string{"p"}, "p", "pin for PSS (smaps_rollup)"),
		Detail:     b([]string{"enter"}, "enter", "details"),
		Back:       b([]string{"esc"}, "esc", "back / clear filter"),
		Accept:     b([]string{"enter"}, "enter", "accept"),
		Cancel:     b([]string{"esc"}, "esc", "cancel"),
		Choose:     b([]string{"up", "down", "pgup", "pgdown", "home", "end"}, "↑↓", "choose"),
		Yes:        b([]string{"y", "Y"}, "y", "yes"),
		ClearTxt:   b([]string{"ctrl+u"}, "ctrl+u", "clear the text"),
	}
}

// list are the bindings of the process list (not of prompts).
func (k *KeyMap) list() []*key.Binding {
	return []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom,
		&k.SortMenu, &k.SortPrev, &k.SortNext, &k.SortCPU, &k.SortMem, &k.SortTime, &k.SortPID, &k.Invert,
		&k.Filter, &k.Search, &k.SearchNext, &k.Tree, &k.Fold, &k.FoldAll, &k.Threads, &k.Kernel, &k.User,
		&k.Kill, &k.NiceDown, &k.NiceUp, &k.Pin, &k.Detail}
}

// setKeys enables the bindings that do something now, so help never offers a dead key, and
// words the prompt keys for the prompt that is open.
func (m *Model) setKeys() {
	k := &m.keys
	list := m.mode == modeList && m.detail == nil
	has := list && len(m.rows) > 0
	for _, b := range k.list() {
		b.SetEnabled(has)
	}
	k.SortMenu.SetEnabled(list)
	k.Filter.SetEnabled(list)
	k.Tree.SetEnabled(list)
	k.Kernel.SetEnabled(list)
	k.User.SetEnabled(list)
	k.Threads.SetEnabled(list)
	k.Fold.SetEnabled(has && m.v.tree)
	k.FoldAll.SetEnabled(has && m.v.tree)
	k.SearchNext.SetEnabled(has && m.search != "")
	inDetail := m.detail != nil && m.mode == modeList
	if inDetail {
		alive := m.detail.proc != nil && !m.detail.gone
		for _, b := range []*key.Binding{&k.Kill, &k.NiceDown, &k.NiceUp, &k.Pin} {
			b.SetEnabled(alive)
		}
	}
	k.Back.SetEnabled(inDetail || (list && m.v.filter != ""))
	if inDetail {
		k.Back.SetHelp("esc", "back to the list")
	} else {
		k.Back.SetHelp("esc", "clear the filter")
	}

	typing := m.mode == modeFilter || m.mode == modeSearch
	choosing := m.mode == modeSort || m.mode == modeUser || m.mode == modeSignal
	k.Accept.SetEnabled(typing || choosing)
	k.Cancel.SetEnabled(typing || choosing || m.mode == modeConfirm)
	k.Choose.SetEnabled(choosing)
	k.Yes.SetEnabled(m.mode == modeConfirm)
	k.ClearTxt.SetEnabled(typing)
	switch m.mode {
	case modeFilter:
		k.Accept.SetHelp("enter", "keep the filter")
		k.Cancel.SetHelp("esc", "clear the filter")
	case modeSearch:
		k.Accept.SetHelp("enter", "done")
		k.Cancel.SetHelp("esc", "stop searching")
	case modeConfirm:
		k.Yes.SetHelp("y", "send "+m.pending.signal)
		k.Cancel.SetHelp("other", "don't")
	case modeSignal:
		k.Accept.SetHelp("enter", "this signal")
		k.Cancel.SetHelp("esc", "cancel")
	default:
		k.Accept.SetHelp("enter", "choose")
		k.Cancel.SetHelp("esc", "cancel")
	}
}

// ShortHelp lists the keys for the status line, those of an open prompt first.
func (m *Model) ShortHelp() []key.Binding {
	k := &m.keys
	switch {
	case m.mode == modeConfirm:
		return []key.Binding{k.Yes, k.Cancel}
	case m.mode != modeList:
		return []key.Binding{k.Choose, k.Accept, k.Cancel, k.ClearTxt}
	case m.detail != nil:
		return []key.Binding{k.Back, k.Kill, k.NiceDown, k.NiceUp, k.Pin}
	}
	return []key.Binding{k.Detail, k.Filter, k.Search, k.SortMenu, k.Tree, k.Threads, k.Kill, k.Back}
}

// FullHelp lists every key for the help screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := &m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.SortMenu, k.SortPrev, k.SortNext, k.SortCPU, k.SortMem, k.SortTime, k.SortPID, k.Invert},
		{k.Filter, k.Search, k.SearchNext, k.User, k.Kernel, k.Tree, k.Fold, k.FoldAll, k.Threads},
		{k.Detail, k.Back, k.Kill, k.NiceDown, k.NiceUp, k.Pin},
		{k.Accept, k.Cancel, k.Choose, k.Yes, k.ClearTxt},
	}
}
