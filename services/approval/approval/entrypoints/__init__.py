"""approval's nameko entrypoints, one mixin per part of Chapter 3; service.py composes them."""
