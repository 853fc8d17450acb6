"""政务办's service: project registry, applications (申报), annual plan, supervision."""
