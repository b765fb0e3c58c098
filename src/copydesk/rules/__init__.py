"""Built-in rules, one module per group: links, images, metadata, content."""
