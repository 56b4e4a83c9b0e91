"""The HTTP face of the services: each module is an ``APIRouter`` whose routes read a
request, call a service and write its answer (domain errors become 4xx in
:mod:`politburo.web.middleware`)."""
