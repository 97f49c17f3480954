// CloudFront Function (cloudfront-js-2.0), viewer request, /api/*: the address CloudFront received the
// connection from, written over any x-viewer-address header the viewer sent, so the functions count visitors
// by an address no visitor can choose. AWS's own example "add-true-client-ip-header" does the same.
function handler(event) {
    event.request.headers['x-viewer-address'] = { value: event.viewer.ip };
    return event.request;
}
