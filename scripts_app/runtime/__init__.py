"""Django-side implementations of the engine's ports (SQL, script loading) and the simulator's console media."""
