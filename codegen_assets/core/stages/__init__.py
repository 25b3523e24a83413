"""One module per generation stage, named after the stage's asset; plain typed functions."""
