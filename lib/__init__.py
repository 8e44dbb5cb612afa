"""The ground: plumbing every app may use. It imports no app (an import contract says so)."""
