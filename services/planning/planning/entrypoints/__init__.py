"""planning\x27s nameko entrypoints, one mixin per part of Chapter 2; service.py composes them."""
