// Applies the remembered theme before first paint (a classic script: it must block).
(function () {
  try {
    var theme = localStorage.getItem('paperchat:theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
  } catch (error) {
    // storage disabled: follow the system theme
  }
})();
