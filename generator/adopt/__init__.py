"""`tfgen import`: an existing endpoint read from AWS -> answers that adopt it."""
