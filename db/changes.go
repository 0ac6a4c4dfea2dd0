package db

import "sync"

// Change tells subscribers that a claim changed. It is published only after the
// change's transaction committed, so a subscriber that reloads sees it.
type Change struct {
	ClaimID    int64
	DocumentID int64
	Version    int64
	Status     string
	UserID     int64
	Action     string // what happened: "status", and later actions such as "assign"
}

// ActionResync is the Action of a marker a subscriber receives after it fell
// behind and lost changes: it must re-read what it follows.
const ActionResync = "resync"

// changeHub fans changes out to live subscribers (server-sent events). A slow
// subscriber loses changes rather than holding up writers, and is told so
// with an ActionResync marker.
type changeHub struct {
	mu   sync.Mutex
	subs map[chan Change]struct{}
}

// Subscribe returns a channel of changes and a function that ends the
// subscription and closes the channel.
func (s *Store) Subscribe() (<-chan Change, func()) {
	ch := make(chan Change, 64)
	s.hub.mu.Lock()
	if s.hub.subs == nil {
		s.hub.subs = make(map[chan Change]struct{})
	}
	s.hub.subs[ch] = struct{}{}
	s.hub.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.hub.mu.Lock()
			delete(s.hub.subs, ch)
			s.hub.mu.Unlock()
			close(ch)
		})
	}
}

// publish sends c to every subscriber without blocking. Call it after commit.
func (s *Store) publish(c Change) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	for ch := range s.hub.subs {
		select {
		case ch <- c:
		default:
			// Full: drop the oldest change to make room for the marker.
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- Change{Action: ActionResync}:
			default:
			}
		}
	}
}
