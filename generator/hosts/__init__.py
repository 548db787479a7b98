"""What static hosts read: the nginx include and Netlify `_redirects` for queries and errors."""
