// whatsapp-web.js pulls in puppeteer; its Chrome download fails offline, we use Debian's chromium instead.
module.exports = { skipDownload: true };
