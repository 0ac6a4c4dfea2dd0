package auth

// Roles, from most to least rights. Each role may do everything the roles
// below it may.
const (
	RoleAdmin    = "admin"
	RoleEditor   = "editor"
	RoleReviewer = "reviewer"
	RoleViewer   = "viewer"
)

var rank = map[string]int{RoleViewer: 1, RoleReviewer: 2, RoleEditor: 3, RoleAdmin: 4}

// ValidRole reports whether r names a role.
func ValidRole(r string) bool { return rank[r] > 0 }

// Allows reports whether a user with role has at least the rights of need.
func Allows(role, need string) bool {
	return rank[role] > 0 && rank[role] >= rank[need]
}

// CanReview reports whether role may change claims.
func CanReview(role string) bool { return Allows(role, RoleReviewer) }
