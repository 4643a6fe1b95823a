"""Money that both sides need: CNY amounts exact to the fen, and splitting them."""
