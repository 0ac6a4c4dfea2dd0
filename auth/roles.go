package auth

// Roles, from most to least rights. Each role may do everything the roles
// below it may.
const (
	RoleAdmin    = "admin"
	RoleEditor   = "editor"
	RoleReviewer = "reviewer"
	RoleViewer   = "viewer"
)

// Roles lists every role, from most to least rights.
var Roles = []string{RoleAdmin, RoleEditor, RoleReviewer, RoleViewer}

// rank orders the roles: the higher, the more rights.
var rank = func() map[string]int {
	m := make(map[string]int, len(Roles))
	for i, r := range Roles {
		m[r] = len(Roles) - i
	}
	return m
}()

// ValidRole reports whether r names a role.
func ValidRole(r string) bool { return rank[r] > 0 }

// Allows reports whether a user with role has at least the rights of need.
func Allows(role, need string) bool {
	return rank[role] > 0 && rank[role] >= rank[need]
}

// CanReview reports whether role may change claims.
func CanReview(role string) bool { return Allows(role, RoleReviewer) }
