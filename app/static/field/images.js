// Photos made small on the device before they are queued, so that thirty of them sync over a
// weak line. The camera's EXIF block (capture time, GPS position) is evidence: it is copied
// from the original into the smaller JPEG, which a canvas alone would drop.
(function () {
  "use strict";
  var MAX_SIDE = 1600;      // the server keeps at most this much anyway
  var SMALL_BYTES = 600 * 1024;
  var QUALITY = 0.85;

  function ascii(view, offset, length) {
    var out = "";
    for (var i = 0; i < length; i++) {
      var code = view.getUint8(offset + i);
      if (code === 0) { break; }
      out += String.fromCharCode(code);
    }
    return out;
  }

  // The TIFF structure inside a JPEG's APP1 "Exif" segment: DateTimeOriginal (0x9003) from
  // the Exif IFD, else DateTime (0x0132) from IFD0. Returns "YYYY:MM:DD HH:MM:SS" or null.
  function exifTime(buffer) {
    var view = new DataView(buffer);
    var offset = exifOffset(view);
    if (offset === null) { return null; }
    try { return tiffTime(view, offset + 10); } catch (e) { return null; }
  }

  // Where a JPEG's APP1 "Exif" segment starts (its marker), null when it has none.
  function exifOffset(view) {
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) { return null; }
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      if (marker === 0xFFDA || (marker & 0xFF00) !== 0xFF00) { return null; }
      if (marker === 0xFFE1 && ascii(view, offset + 4, 4) === "Exif") { return offset; }
      offset += 2 + view.getUint16(offset + 2);
    }
    return null;
  }

  function tiffTime(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) { return view.getUint16(tiff + at, little); }
    function u32(at) { return view.getUint32(tiff + at, little); }
    function find(ifd, tag) {
      var count = u16(ifd);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        if (u16(entry) === tag) { return entry; }
      }
      return null;
    }
    function text(entry) {
      var count = u32(entry + 4);
      var at = count > 4 ? u32(entry + 8) : entry + 8;
      return ascii(view, tiff + at, count);
    }
    var ifd0 = u32(4);
    var pointer = find(ifd0, 0x8769);
    if (pointer !== null) {
      var original = find(u32(pointer + 8), 0x9003);
      if (original !== null) { return text(original); }
    }
    var plain = find(ifd0, 0x0132);
    return plain !== null ? text(plain) : null;
  }

  // The original's APP1 "Exif" segment (marker included), copied whole so that the capture
  // time AND the GPS position travel with the smaller JPEG (both are evidence); its
  // Orientation is set to 1, as the pixels were already turned upright. Null when absent.
  function exifApp1(buffer) {
    var view = new DataView(buffer);
    var offset = exifOffset(view);
    if (offset === null) { return null; }
    var size = view.getUint16(offset + 2);
    if (offset + 2 + size > view.byteLength) { return null; }
    var segment = new Uint8Array(buffer.slice(offset, offset + 2 + size));
    try { upright(new DataView(segment.buffer), 10); } catch (e) { return null; }
    return segment;
  }

  function upright(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    var ifd0 = tiff + view.getUint32(tiff + 4, little);
    var count = view.getUint16(ifd0, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd0 + 2 + i * 12;
      if (view.getUint16(entry, little) === 0x0112) { view.setUint16(entry + 8, 1, little); }
    }
  }

  // The new JPEG with the EXIF segment after its JFIF header (APP0), where readers expect it.
  function withExif(buffer, segment) {
    var src = new Uint8Array(buffer);
    var at = 2;
    if (src[2] === 0xFF && src[3] === 0xE0) { at = 4 + ((src[4] << 8) | src[5]); }
    var out = new Uint8Array(src.length + segment.length);
    out.set(src.subarray(0, at), 0);
    out.set(segment, at);
    out.set(src.subarray(at), at + segment.length);
    return out;
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  function toBlob(canvas, type) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, type, QUALITY); });
  }

  // A JPEG or PNG ready to queue: the original when already small, else a copy at most
  // MAX_SIDE pixels on its longest side (JPEG keeps its EXIF block).
  function prepare(file) {
    var isJpeg = file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name || "");
    return file.arrayBuffer().then(function (buffer) {
      return decode(file).then(function (image) {
        var width = image.width, height = image.height;
        var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
        if (scale === 1 && file.size <= SMALL_BYTES) {
          return { blob: file, name: file.name, resized: false };
        }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        var type = isJpeg ? "image/jpeg" : "image/png";
        return toBlob(canvas, type).then(function (blob) {
          var segment = isJpeg ? exifApp1(buffer) : null;
          if (!segment) { return { blob: blob, name: file.name, resized: true }; }
          return blob.arrayBuffer().then(function (small) {
            var bytes = withExif(small, segment);
            return { blob: new Blob([bytes], { type: "image/jpeg" }), name: file.name,
                     resized: true };
          });
        });
      });
    }).catch(function () {
      // a file the browser cannot decode goes as it is: the server says what is wrong with it
      return { blob: file, name: file.name, resized: false };
    });
  }

  window.FieldImages = { prepare: prepare, exifTime: exifTime, MAX_SIDE: MAX_SIDE };
})();
