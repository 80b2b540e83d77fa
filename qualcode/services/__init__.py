"""Services: the domain operations Project composes (one class per module)."""
