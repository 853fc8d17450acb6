"""approval's nameko entrypoints, one mixin per part of Chapter 3 (the service class mixes them in)."""
