"""HTTP routes, one module per audience: kiosks, sign-in, officers' cases, pilot usage, admins, health."""
