"""The Project's operations, by subject: each a mixin over `self.store`."""
