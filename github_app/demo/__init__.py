"""What ``omninode-github demo`` needs: a fake GitHub, a throwaway App key, signed webhooks."""
