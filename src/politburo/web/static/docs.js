/* The API documentation (/docs): Swagger UI, served by this server (vendor/), reading
 * /openapi.json. A file of its own: the page's policy allows no inline script. */
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
